# Debian package through CPack: `make package` (or `cpack -G DEB` in the build
# directory) writes nhiscan_VERSION_ARCH.deb with what `cmake --install` lays out.
# dpkg-shlibdeps (Debian package dpkg-dev) derives the dependencies from the
# libraries that the binary links, so they name the runtime packages of the
# distribution that built it (on Debian 12: libyaml-cpp0.7, libtomlplusplus3,
# libboost-filesystem1.74.0, libstdc++6, libgcc-s1, libc6).

set(NHISCAN_PACKAGE_MAINTAINER "nhiscan contributors <nhiscan@localhost>"
    CACHE STRING "Maintainer field of the Debian package")

set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "nhiscan")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
# Debian keeps the synopsis under 80 characters.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "scanner for ungoverned non-human identities in infrastructure code")
set(CPACK_PACKAGE_CONTACT "${NHISCAN_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
# The build type may carry debug information; the package does not need it.
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "devel")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "nhiscan reads Terraform, Kubernetes manifests and CI pipeline files, builds an\n"
    "inventory of the non-human identities they declare or use (service accounts,\n"
    "keys, tokens, CI secrets, OIDC trust) and reports those without an owner, a\n"
    "review date or a rotation policy, as text, SARIF, JSON, Markdown or GitHub\n"
    "workflow annotations.")
string(REPLACE ";" "" CPACK_DEBIAN_PACKAGE_DESCRIPTION "${CPACK_DEBIAN_PACKAGE_DESCRIPTION}")

include(CPack)
