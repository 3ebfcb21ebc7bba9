from . import livechat_session_report
from . import livechat_session_tag_report
