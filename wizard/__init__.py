from . import livechat_visitor_erase
