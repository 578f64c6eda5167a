"""用人单位 (employers): enterprises and institutions that employ county talents, their staff and
their HR accounts. An employer's account confirms its staff's card applications.

Why a table of its own and not the commissioners' service targets: those are 县科工信局's
records of whom commissioners serve (enterprises, cooperatives, villages), kept by that unit;
employers are 组织部's, include institutions (schools, hospitals) that are never service
targets, and carry a staff list. An employer that is also a service target may point to it
(``service_target_id``) so that its account can later post needs for commissioners."""
