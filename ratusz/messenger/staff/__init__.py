"""The staff inbox in the Wagtail admin ("Rozmowy"), one module per screen.

- `inbox`: the list of conversations, a case opened on a resident's
  behalf, the statistics;
- `conversation`: one conversation, and one small view per action on it
  (reply, note, assign, categorise, resolve, reopen, cancel a "send later"
  reply, …);
- `settings`: saved replies, office hours and holidays, the mayor's
  "available this evening" switch;
- `live`: the Server-Sent Events streams of the inbox and of a conversation;
- `access`: which gminas and conversations a staff member reaches.

Every staff role of a gmina (administrator, editor, author) may read and
answer its conversations; saved replies are managed by administrators and
editors; office hours and the mayor's switch by administrators. Another
gmina's rows are 404, never 403. Without JavaScript everything works with a
reload.
"""
