"""Small plugins used by tests/test_plugins.py: well-behaved ones and deliberately broken ones."""
