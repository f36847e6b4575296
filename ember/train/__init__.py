"""ember-train: the Fashion-MNIST trainer (see cli.py)."""
