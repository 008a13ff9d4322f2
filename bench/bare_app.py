"""The yardstick: a bare Flask view returning the same bytes as a profilehost page, nothing else."""

import os

from flask import Flask, Response

app = Flask(__name__)
with open(os.environ["BENCH_PAGE_FILE"], "rb") as handle:
    PAGE = handle.read()


@app.get("/page")
def page():
    return Response(PAGE, mimetype="text/html")


@app.get("/robots.txt")
def robots():
    return Response("User-agent: *\n", mimetype="text/plain")
