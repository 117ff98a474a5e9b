"""Loads every YAML file named on standard input (one path per line) with PyYAML's
libyaml-based CSafeLoader, every document of each file, as the parse cost that a
Python scanner starts from. Prints the number of files, documents and failures."""
import sys

import yaml


def main():
    files = [line.rstrip("\n") for line in sys.stdin if line.strip()]
    documents = failed = 0
    for name in files:
        try:
            with open(name, "rb") as handle:
                for _ in yaml.load_all(handle, Loader=yaml.CSafeLoader):
                    documents += 1
        except (yaml.YAMLError, ValueError, UnicodeDecodeError):
            failed += 1
    print(f"pyyaml: {len(files)} files, {documents} documents, {failed} failed")


if __name__ == "__main__":
    main()
