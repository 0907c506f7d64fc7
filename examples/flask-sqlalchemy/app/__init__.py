from flask import Flask

from .extensions import db


def create_app(config=None):
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://shop@db/shop"
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True}
    if config:
        app.config.update(config)
    db.init_app(app)

    from .blueprints.admin import bp as admin_bp
    from .blueprints.books import bp as books_bp
    from .blueprints.customers import bp as customers_bp

    app.register_blueprint(books_bp)
    app.register_blueprint(customers_bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    return app
