"""Flask-AppBuilder views and REST APIs: `@expose` routes requests to their methods."""
from flask_appbuilder import BaseView, expose
from flask_appbuilder.api import BaseApi, expose as api_expose, protect, safe
from Pyro5 import api as pyro_api


class DashboardView(BaseView):
    route_base = "/dashboard"

    # ppa-context: http_handler route=/dashboard/list/ method=GET framework=flask-appbuilder
    @expose("/list/", methods=["GET"])
    def list(self):
        return self.render_template("list.html", rows=self.rows())

    # ppa-context: library hot=true            called by an exposed method
    def rows(self):
        return []


class ChartRestApi(BaseApi):
    resource_name = "chart"

    # ppa-context: http_handler route=/<int:pk>/data method=POST   no `route_base` literal: the path alone
    @api_expose("/<int:pk>/data", methods=["POST"])
    @protect()
    @safe
    def data(self, pk):
        return self.response(200, result=[])


# ppa-context: library hot=false               a project decorator
def register_metric(path):
    def wrap(fn):
        return fn

    return wrap


class Metrics:
    # ppa-context: library hot=false           near miss: `expose` of another library (Pyro)
    @pyro_api.expose("/count")
    def count(self):
        return 0

    # ppa-context: library hot=false           near miss: a project decorator
    @register_metric("/size")
    def size(self):
        return 0
