extensions = ["sphinx_spec"]
html_static_path = ("_static",)
spec_statuses = ["Proposed", "Final"]
