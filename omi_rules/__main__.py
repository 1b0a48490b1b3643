"""``python -m omi_rules`` runs the command line."""

from omi_rules.cli import main

if __name__ == "__main__":
    main()
