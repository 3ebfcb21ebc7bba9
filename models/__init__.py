from . import livechat_chatbot_script
from . import livechat_channel
from . import livechat_channel_rule
from . import livechat_session
from . import mail_channel
from . import res_users
from . import website
from . import res_config_settings
