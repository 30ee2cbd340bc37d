"""dxdesk: the digital-transformation help desk of a commune's one-stop counter."""

__version__ = "0.1.0"
