"""Near misses: a route-shaped decorator where Flask is not imported."""
import bottle

web = bottle.Bottle()


# ppa-context: library                         a Bottle route is not Flask's
@web.route("/hello")
def hello():
    return "hi"
