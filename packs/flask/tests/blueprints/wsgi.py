"""The application: blueprints of other modules registered with prefixes."""
from flask import Flask

from . import legacy, staff

app = Flask(__name__)
app.register_blueprint(staff.bp, url_prefix="/internal")
app.register_blueprint(legacy.bp, url_prefix="/v0")
app.register_blueprint(legacy.kept)
app.register_blueprint(legacy.reports, url_prefix="/internal/reports")
