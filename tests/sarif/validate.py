#!/usr/bin/python3
"""Validate SARIF logs against the official SARIF 2.1.0 JSON schema.

The schema ships in the npm package @microsoft/jest-sarif (installed by
scripts/bootstrap.sh test); Debian's python3-jsonschema reads its draft-04 form as is.
Prints every violation with its JSON path and exits 1 when any log is invalid.
"""
import json
import os
import sys

import jsonschema

SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                      "node_modules", "@microsoft", "jest-sarif", "lib", "schemas",
                      "sarif-2.1.0-rtm.5.json")


def main(paths):
    with open(SCHEMA, encoding="utf-8") as handle:
        schema = json.load(handle)
    validator_class = jsonschema.validators.validator_for(schema)
    validator = validator_class(schema)
    failed = False
    for path in paths:
        with open(path, "rb") as handle:
            raw = handle.read()
        try:
            log = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            print(f"{path}: not valid UTF-8 JSON: {error}")
            failed = True
            continue
        errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
        for error in errors:
            where = "/".join(str(part) for part in error.absolute_path)
            print(f"{path}: /{where}: {error.message}")
        failed = failed or bool(errors)
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print("usage: validate.py SARIF...", file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1:]))
