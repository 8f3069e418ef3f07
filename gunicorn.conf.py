"""gunicorn reads this file from the folder it starts in: its own log lines are JSON too, like the
app's, and the access lines come from the app (with the request id), not from gunicorn."""
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "registry.serving.JsonFormatter"}},
    "filters": {"request_id": {"()": "registry.serving.RequestIdFilter"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_id"],
                            "stream": "ext://sys.stderr"}},
    "root": {"level": "WARNING", "handlers": []},
    "loggers": {"gunicorn.error": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
                "gunicorn.access": {"handlers": [], "level": "WARNING", "propagate": False}},
}
