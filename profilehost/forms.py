"""The base of every form: Flask-WTF's, with an uploaded file given only to a field that takes files.

Flask-WTF hands a form the request's files and fields together, so a file sent under a text field's name (a
crafted multipart request) reached that field's validators, which fail on a file (a 500). Such a file is left
out: the field is then missing, and the form answers as for any missing field."""

from __future__ import annotations

from flask import request
from flask_wtf import FlaskForm
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms.fields import FileField


class AppForm(FlaskForm):
    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            data = super().wrap_formdata(form, formdata)
            if not isinstance(data, CombinedMultiDict):
                return data
            takes_files = {field.name for field in form if isinstance(field, FileField)}
            files = MultiDict([(name, upload) for name, upload in request.files.items(multi=True)
                               if name in takes_files])
            return CombinedMultiDict((files, request.form))
