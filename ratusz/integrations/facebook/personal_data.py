"""Facebook personal-looking fields (see ratusz.lib.personal_data)."""

from ratusz.lib.personal_data import register

register(exempt={"facebook.FacebookPage.page_name": "the gmina's own Facebook Page"})
