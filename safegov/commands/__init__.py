"""Sub-commands of ``safegov``; each module has ``register(subparsers)``."""
