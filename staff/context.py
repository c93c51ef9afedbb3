"""What every staff template may use: roles, masks, number and code formats."""
from flask import g

from core.identity import display_phone, mask_nik, mask_phone
from core.refs import format_ref
from staff import bp
from staff.roles import DECIDERS, REGISTRARS, ROLE_NAMES
from web.filters import number


@bp.context_processor
def staff_globals():
    """What every staff template may use."""
    return {"staff_roles": {"deciders": DECIDERS, "registrars": REGISTRARS}, "role_names": ROLE_NAMES,
            "mask_nik": mask_nik, "mask_phone": mask_phone, "display_phone": display_phone,
            "format_ref": format_ref, "num": number,
            "can_decide": g.get("staff") is not None and g.staff.role in DECIDERS}
