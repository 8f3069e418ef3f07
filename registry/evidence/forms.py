from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField, SubmitField
from wtforms.validators import Length

from registry.errors import _l
from registry.forms_support import strip


class UploadForm(FlaskForm):
    file = FileField(_l("File"), validators=[FileRequired(message=_l("Choose a file to upload."))])
    description = StringField(_l("Description"), filters=[strip], validators=[Length(max=200)])
    submit = SubmitField(_l("Upload"))
