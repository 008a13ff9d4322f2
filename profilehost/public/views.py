"""What visitors see: the home page and, under /<username>/, the tenants' sites."""

from __future__ import annotations

from flask import Blueprint, render_template

public = Blueprint("public", __name__)


@public.route("/")
def home():
    return render_template("home.html")
