"""Interviewer: practitioner-led technical interviews, recorded and transcribed offline."""

__version__ = "0.1.0"
