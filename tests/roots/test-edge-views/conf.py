extensions = ["sphinx_spec"]
html_static_path = ("_static",)
spec_statuses = ["Proposed", "Final"]

# the links between these specs are not what these tests are about: no review records
spec_suppress = ["unreviewed-link"]
