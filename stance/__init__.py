"""stance: actor stance and target sentiment toward the Libyan parties and the UN-led process."""

__version__ = "0.1.0"
