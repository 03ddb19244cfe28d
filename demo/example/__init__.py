"""The code the demo's specs describe, cut down to what their error paths need."""
