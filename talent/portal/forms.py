from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from talent.core.forms import BaseForm


class CorrectionForm(BaseForm):
    text = TextAreaField(_l("需要更正的内容"), validators=[
        DataRequired(_l("请写明需要更正的内容")), Length(max=1000, message=_l("不超过1000个字"))])
