from flask_wtf.file import FileField, FileRequired
from wtforms import SubmitField

from registry.errors import _l
from registry.forms_support import RegistryForm


class UploadForm(RegistryForm):
    # The name and the content of the file are checked together by services.check_spreadsheet, so a
    # wrong name does not hide what is wrong with the content.
    file = FileField(_l("Spreadsheet (.xlsx, or .csv in UTF-8 or GB18030)"),
                     validators=[FileRequired(_l("Choose a file."))])
    submit = SubmitField(_l("Upload and check"))
