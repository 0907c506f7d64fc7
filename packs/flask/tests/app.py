"""Execution contexts of a Flask app: routes, blueprints, views, hooks, streams, commands."""
from flask import Blueprint, Flask, Response, stream_with_context
from flask.views import MethodView

from .reports import build_report

app = Flask(__name__)
admin = Blueprint("admin", __name__, url_prefix="/admin")


# ppa-context: http_handler route=/jobs method=GET framework=flask
@app.route("/jobs")
def list_jobs():
    return build_report()


# ppa-context: http_handler route=/jobs method=POST
@app.route("/jobs", methods=["POST"])
def create_job():
    return "", 201


# ppa-context: http_handler route=/admin/stats method=GET admin=true
@admin.get("/stats")
def stats():
    return {}


# ppa-context: http_handler                    runs before every request
@app.before_request
def load_user():
    return None


# ppa-context: http_handler
@app.errorhandler(404)
def not_found(e):
    return "missing", 404


# ppa-context: streaming streaming=true route=/export
@app.route("/export")
def export():
    # ppa-context: library hot=true            the generator streams with its view
    def generate():
        yield "id\n"

    return Response(stream_with_context(generate()), mimetype="text/csv")


class JobView(MethodView):
    # ppa-context: http_handler method=GET route=/jobs/<int:job_id>
    def get(self, job_id):
        return {}

    # ppa-context: library hot=false          not an HTTP method
    def serialize(self, job):
        return job


class ArchivedJobView(JobView):
    # ppa-context: http_handler framework=flask   a view derived from a project view
    def delete(self, job_id):
        return "", 204

    # ppa-context: library hot=false          near miss: not an HTTP method
    def archive(self, job):
        return job


# ppa-context: http_handler route=/admin/purge admin=true
def purge():
    return "", 204


app.add_url_rule("/jobs/<int:job_id>", view_func=JobView.as_view("job"))
admin.add_url_rule("/purge", view_func=purge, methods=["POST"])


# ppa-context: cli framework=flask
@app.cli.command("seed")
def seed():
    pass


# ppa-context: library                         near miss: a decorator of another object
@app.template_filter("money")
def money(value):
    return f"{value:.2f}"
