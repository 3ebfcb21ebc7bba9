from . import main
from . import chatbot
from . import widget
from . import livechat_page_visit
from . import after_chat
from . import website_dashboard
from . import livechat_typing
from . import files
