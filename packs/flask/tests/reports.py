"""Called by a Flask view: on the request path through the call graph."""


# ppa-context: library hot=true
def build_report():
    return aggregate([])


# ppa-context: library hot=true
def aggregate(rows):
    return rows
