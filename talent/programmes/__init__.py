"""人才项目推荐申报: talent programmes (reference data), their yearly calls, and 县委组织部's
recommendations of county talents to them — with what a selection changes (programme level,
card tier) and the figures item 4.1 of the work plan asks for."""
