from flask_wtf.file import FileField, FileRequired
from wtforms import SubmitField

from registry.errors import _l
from registry.forms_support import RegistryForm, text_field


class UploadForm(RegistryForm):
    # The ids are those the record pages' evidence section has always had (links, tests, journeys).
    file = FileField(_l("File"), id="evidence-file", validators=[FileRequired(message=_l("Choose a file to upload."))])
    description = text_field(_l("Description"), 200, id="evidence-description")
    submit = SubmitField(_l("Upload"), id="upload-submit")
