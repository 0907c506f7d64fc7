"""Near misses: route-shaped decorators in a file that does not use FastAPI."""
import bottle

app = bottle.Bottle()
cache = {}


# ppa-context: library                       a Bottle route: not FastAPI's to classify
@app.get("/hello")
def hello():
    return "hi"
