"""Called by views: on the request path through the call graph."""


# ppa-context: library hot=true
def build_yearly(year):
    return {"year": year}
