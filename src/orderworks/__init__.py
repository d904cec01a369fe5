"""orderworks: order management for online and offline sellers."""

__version__ = "0.1.0"
