from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from talent.core.forms import BaseForm


class CorrectionForm(BaseForm):
    text = TextAreaField("需要更正的内容", validators=[
        DataRequired("请写明需要更正的内容"), Length(max=1000, message="不超过1000个字")])
