"""``python -m omi_rules`` runs the command line."""

from omi_rules.cli import run

if __name__ == "__main__":
    run()
