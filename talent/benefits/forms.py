from wtforms import StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from talent.cards.models import BENEFIT_KINDS
from talent.core import timeutil
from talent.core.forms import BaseForm, ChoiceField, DayField


class RedeemForm(BaseForm):
    kind = ChoiceField("待遇项目", choices=list(BENEFIT_KINDS.items()),
                       validators=[DataRequired("请选择兑现的待遇")])
    redeemed_on = DayField("兑现日期", default=timeutil.today, format="%Y-%m-%d",
                           validators=[InputRequired("请填写兑现日期")])
    note = StringField("说明", validators=[Optional(), Length(max=200, message="说明不超过200个字")])
    repeat_reason = StringField("再次兑现的原因", validators=[
        Optional(), Length(max=200, message="原因不超过200个字")])

    def __init__(self, *args, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kinds is not None:
            self.kind.set_options([(k, BENEFIT_KINDS[k]) for k in kinds])
