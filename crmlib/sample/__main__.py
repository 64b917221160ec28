"""``python -m crmlib.sample``: regenerate the bundled sample files."""

from crmlib.sample import main

if __name__ == "__main__":
    main()
