from . import livechat_visitor_erase
from . import livechat_session_transfer_wizard
