from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SubmitField

from registry.errors import _l


class UploadForm(FlaskForm):
    file = FileField(_l("Spreadsheet (.xlsx, or .csv in UTF-8 or GB18030)"), validators=[
        FileRequired(_l("Choose a file.")),
        FileAllowed(["xlsx", "csv"], _l("Use an .xlsx or .csv file."))])
    submit = SubmitField(_l("Upload and check"))
