"""Who may use every route of the app: the one policy table the authorization matrix checks.

Every (endpoint, method) of ``app.url_map`` (except ``static``) must be listed here with an
audience word; a route missing from the table fails ``test_authorization_matrix``.

Audiences, as the roles of the matrix's world (``authz_world.ROLES``) they allow ("the body"
and "the unit" are those of the object the URL points at; holding the same right in another
body or unit gives nothing here):

- ``public``: anyone, signed in or not.
- ``token``: anyone holding the URL's secret token (a personal sign-in link, a topic's follow
  link); a wrong token answers 404.
- ``signed_in``: any signed-in person (the view itself answers what concerns them only).
- ``member``: a member of the object's body (holds a seat); conveners and administrators without
  a seat are refused (a ballot, a seconding, a rating are a member's own act).
- ``member_or_convener``: a member of the object's body, its conveners and administrators.
- ``involved``: a member of the body, the task's unit staff, the body's conveners, administrators.
- ``convener``: a convener of the object's body, or an administrator (for people: whoever may
  manage them, i.e. a convener of a body they sit in, or an administrator).
- ``unit_staff``: staff of the task's unit, or an administrator.
- ``admin``: administrators only.

Refusal: 403 for a signed-in person, a redirect to the sign-in page for an anonymous visitor.
``HIDDEN`` lists routes whose refusal may be a 404 because the app deliberately hides that the
object exists (none of the world's objects are drafts today, so it is empty).
"""

SIGNED_IN = {
    "outsider",
    "other_convener",
    "other_staff",
    "member",
    "unit_staff",
    "convener",
    "admin",
}

AUDIENCES = {
    "public": {"anonymous", *SIGNED_IN},
    "token": {"anonymous", *SIGNED_IN},
    "signed_in": SIGNED_IN,
    "member": {"member"},
    "member_or_convener": {"member", "convener", "admin"},
    "involved": {"member", "unit_staff", "convener", "admin"},
    "convener": {"convener", "admin"},
    "unit_staff": {"unit_staff", "admin"},
    "admin": {"admin"},
}

POLICY = {
    # accounts: signing in, personal links, preferences
    ("accounts.sign_in", "GET"): "public",
    ("accounts.sign_in", "POST"): "public",
    ("accounts.sign_out", "POST"): "public",
    ("accounts.link_sign_in", "GET"): "token",
    ("accounts.me", "GET"): "signed_in",
    ("accounts.person", "GET"): "convener",
    ("accounts.issue_link", "POST"): "convener",
    ("accounts.revoke_link", "POST"): "convener",
    ("accounts.end_my_sessions", "POST"): "signed_in",
    ("accounts.end_sessions", "POST"): "convener",
    ("accounts.set_language", "POST"): "public",
    ("accounts.set_large_text", "POST"): "public",
    # admin: bodies, conveners, units, staff
    ("admin.index", "GET"): "admin",
    ("admin.calendar", "GET"): "admin",
    ("admin.calendar_year", "GET"): "admin",
    ("admin.calendar_year", "POST"): "admin",
    ("admin.body", "GET"): "admin",
    ("admin.new_body", "GET"): "admin",
    ("admin.new_body", "POST"): "admin",
    ("admin.add_convener", "POST"): "admin",
    ("admin.remove_convener", "POST"): "admin",
    ("admin.units", "GET"): "admin",
    ("admin.units", "POST"): "admin",
    ("admin.unit", "GET"): "admin",
    ("admin.add_staff", "POST"): "admin",
    ("admin.remove_staff", "POST"): "admin",
    # the public board
    ("board.ranking", "GET"): "public",
    ("board.object_to", "POST"): "public",
    ("board.index", "GET"): "public",
    ("board.body", "GET"): "public",
    ("board.resolution", "GET"): "public",
    ("board.resolutions", "GET"): "public",
    ("board.unit", "GET"): "public",
    # setting a body up
    ("bodies.setup", "GET"): "convener",
    ("bodies.settings", "POST"): "convener",
    ("bodies.add_constituency", "POST"): "convener",
    ("bodies.edit_constituency", "GET"): "convener",
    ("bodies.edit_constituency", "POST"): "convener",
    ("bodies.remove_constituency", "POST"): "convener",
    ("bodies.apportion", "GET"): "convener",
    ("bodies.apply_apportion", "POST"): "convener",
    ("bodies.roster", "GET"): "convener",
    ("bodies.rule", "GET"): "convener",
    ("bodies.rule", "POST"): "convener",
    ("bodies.seat", "GET"): "convener",
    ("bodies.seat", "POST"): "convener",
    ("bodies.vacate_seat", "POST"): "convener",
    ("bodies.sign_in_cards", "GET"): "convener",
    ("bodies.print_sign_in_cards", "POST"): "convener",
    # resolutions and tasks
    ("followup.new_resolution", "GET"): "convener",
    ("followup.new_resolution", "POST"): "convener",
    ("followup.resolution", "GET"): "convener",
    ("followup.publish_resolution", "POST"): "convener",
    ("followup.correct_resolution", "POST"): "convener",
    ("followup.new_task", "GET"): "convener",
    ("followup.new_task", "POST"): "convener",
    ("followup.dashboard", "GET"): "convener",
    ("followup.task", "GET"): "involved",
    ("followup.accept_task", "POST"): "unit_staff",
    ("followup.decline_task", "POST"): "unit_staff",
    ("followup.report_progress", "POST"): "unit_staff",
    ("followup.complete_task", "POST"): "unit_staff",
    ("followup.unit_tasks", "GET"): "unit_staff",
    ("followup.close_task", "POST"): "convener",
    ("followup.reassign_task", "POST"): "convener",
    ("followup.reopen_task", "POST"): "convener",
    ("followup.contact_resident", "POST"): "unit_staff",
    ("followup.ask_extension", "POST"): "unit_staff",
    ("followup.grant_extension", "POST"): "convener",
    ("followup.refuse_extension", "POST"): "convener",
    ("followup.exclude_task", "POST"): "convener",
    ("followup.add_part", "POST"): "convener",
    ("followup.remove_part", "POST"): "convener",
    # a co-unit's part: the world's unit staff also works for the co-unit
    ("followup.accept_part", "POST"): "unit_staff",
    ("followup.decline_part", "POST"): "unit_staff",
    ("followup.progress_part", "POST"): "unit_staff",
    ("followup.finish_part", "POST"): "unit_staff",
    ("followup.phone_visit", "POST"): "convener",
    ("followup.followup_settings", "POST"): "convener",
    ("followup.answer_objection", "POST"): "convener",
    ("followup.body_units", "GET"): "convener",
    ("followup.add_body_unit", "POST"): "convener",
    ("followup.invite_staff", "POST"): "convener",
    ("followup.rate_task", "POST"): "member",
    ("followup.rate_by_link", "POST"): "token",
    ("followup.photo", "GET"): "public",
    # meetings
    ("meetings.index", "GET"): "public",
    ("meetings.show", "GET"): "public",
    ("meetings.ics", "GET"): "public",
    ("meetings.presence", "GET"): "public",
    ("meetings.minutes", "GET"): "member_or_convener",
    ("meetings.minutes_md", "GET"): "member_or_convener",
    ("meetings.confirm_minutes", "POST"): "convener",
    ("meetings.confirm_previous_minutes", "POST"): "convener",
    ("meetings.add_correction", "POST"): "convener",
    ("meetings.add_opening_items", "POST"): "convener",
    ("meetings.leave", "POST"): "convener",
    ("meetings.new", "GET"): "convener",
    ("meetings.new", "POST"): "convener",
    ("meetings.edit", "GET"): "convener",
    ("meetings.edit", "POST"): "convener",
    ("meetings.manage", "GET"): "convener",
    ("meetings.projector", "GET"): "convener",
    ("meetings.transition", "POST"): "convener",
    ("meetings.add_item", "POST"): "convener",
    ("meetings.edit_item", "GET"): "convener",
    ("meetings.edit_item", "POST"): "convener",
    ("meetings.move_item", "POST"): "convener",
    ("meetings.remove_item", "POST"): "convener",
    ("meetings.item_notes", "POST"): "convener",
    ("meetings.set_current", "POST"): "convener",
    ("meetings.tick_in", "POST"): "convener",
    ("meetings.release", "POST"): "convener",
    ("meetings.set_proxy", "POST"): "convener",
    ("meetings.record_recusal", "POST"): "convener",
    ("meetings.room", "GET"): "member_or_convener",
    ("meetings.room_live", "GET"): "member_or_convener",
    ("meetings.room_check_in", "POST"): "member_or_convener",
    ("meetings.raise_hand", "POST"): "member_or_convener",
    ("meetings.lower_hand", "POST"): "member_or_convener",
    ("meetings.declare_recusal", "POST"): "member_or_convener",
    ("meetings.hand_proxy", "POST"): "member_or_convener",
    ("meetings.take_back_proxy", "POST"): "member_or_convener",
    ("meetings.decide_proxy", "POST"): "convener",
    ("meetings.move_motion", "POST"): "member_or_convener",
    ("meetings.move_amendment", "POST"): "member_or_convener",
    ("meetings.second_motion", "POST"): "member_or_convener",
    ("meetings.withdraw_motion", "POST"): "member_or_convener",
    ("meetings.admit_motion", "POST"): "convener",
    ("meetings.floor_rules", "GET"): "convener",
    ("meetings.nudge_seat", "POST"): "convener",
    ("meetings.floor_rules", "POST"): "convener",
    ("meetings.rule_out_motion", "POST"): "convener",
    ("meetings.speakers_panel", "GET"): "convener",
    ("meetings.speaker_panel", "GET"): "convener",
    ("meetings.call_speaker", "POST"): "convener",
    ("meetings.end_speech", "POST"): "convener",
    ("meetings.withdraw_recusal", "POST"): "convener",
    ("meetings.set_substitute", "POST"): "convener",
    # a member checks themself in (the view answers "no seat" to anyone else, changing nothing)
    ("meetings.checkin", "GET"): "token",
    ("meetings.checkin_post", "POST"): "signed_in",
    ("meetings.check_in_self", "POST"): "signed_in",
    # open data
    ("opendata.meetings_ics", "GET"): "public",
    ("opendata.votes_json", "GET"): "public",
    ("opendata.votes_csv", "GET"): "public",
    ("opendata.vote_seats_csv", "GET"): "public",
    ("opendata.resolutions_atom", "GET"): "public",
    ("opendata.resolutions_csv", "GET"): "public",
    ("opendata.audit_head", "GET"): "public",
    ("opendata.resolutions_json", "GET"): "public",
    ("opendata.tasks_csv", "GET"): "public",
    ("opendata.tasks_json", "GET"): "public",
    ("opendata.owner_decisions_json", "GET"): "public",
    ("opendata.owner_decisions_csv", "GET"): "public",
    ("opendata.owner_decisions_atom", "GET"): "public",
    # topics
    ("topics.index", "GET"): "public",
    ("topics.new", "GET"): "public",
    ("topics.new", "POST"): "public",
    ("topics.show", "GET"): "public",
    ("topics.follow", "GET"): "token",
    ("topics.add_info", "POST"): "token",
    ("topics.qr", "GET"): "convener",
    ("topics.triage", "GET"): "convener",
    ("topics.accept", "POST"): "convener",
    ("topics.decline", "POST"): "convener",
    ("topics.merge", "POST"): "convener",
    ("topics.needs_info", "POST"): "convener",
    ("topics.me_too", "POST"): "public",
    ("topics.second", "POST"): "member",
    # voting
    ("voting.ballot", "GET"): "member",
    ("voting.cast", "POST"): "member",
    # the member page's live fragments: they only say what concerns the signed-in person
    ("voting.ballot_link", "GET"): "signed_in",
    ("voting.ballot_changes", "GET"): "signed_in",
    ("voting.panel", "GET"): "public",
    ("voting.motion", "GET"): "convener",
    ("voting.new_motion", "GET"): "convener",
    ("voting.new_motion", "POST"): "convener",
    ("voting.open_motion", "POST"): "convener",
    ("voting.close_motion", "POST"): "convener",
    ("voting.cancel_motion", "POST"): "convener",
    ("voting.hands", "POST"): "convener",
    ("voting.running_totals", "POST"): "convener",
    ("voting.progress", "GET"): "convener",
    # owners' decisions: the committee (the compound's conveners) keeps the registry and runs
    # decisions; owners come in with their personal code; the board is public
    ("owners.registry_view", "GET"): "convener",
    ("owners.import_preview", "POST"): "convener",
    ("owners.import_save", "POST"): "convener",
    ("owners.export_csv", "GET"): "convener",
    ("owners.export_xlsx", "GET"): "convener",
    ("owners.new_decision", "GET"): "convener",
    ("owners.new_decision", "POST"): "convener",
    ("owners.notices", "POST"): "convener",
    ("owners.door_to_door", "GET"): "convener",
    ("owners.paper", "GET"): "convener",
    ("owners.paper", "POST"): "convener",
    ("owners.confirm_paper", "POST"): "convener",
    ("owners.extend", "POST"): "convener",
    ("owners.extend_form", "GET"): "convener",
    ("owners.decision", "GET"): "public",
    ("owners.board_list", "GET"): "public",
    ("owners.attachment", "GET"): "public",
    ("owners.settings", "GET"): "convener",
    ("owners.settings", "POST"): "convener",
    ("owners.record_resolution", "POST"): "convener",
    ("owners.result_notice", "GET"): "public",
    ("owners.result_json", "GET"): "public",
    ("owners.enter_code", "GET"): "public",
    ("owners.enter_code", "POST"): "public",
    ("owners.owner_home", "GET"): "token",
    ("owners.ballot", "GET"): "token",
    ("owners.cast", "POST"): "token",
    # the three lists, batches, pledges (issue 21); the public 幸福账单 and its open data
    ("lists.index", "GET"): "member_or_convener",
    ("lists.add_need", "POST"): "convener",
    ("lists.need_from_topic", "POST"): "convener",
    ("lists.offer_resource", "POST"): "member_or_convener",
    ("lists.propose_project", "POST"): "member_or_convener",
    ("lists.project", "GET"): "member_or_convener",
    ("lists.add_pledge", "POST"): "member_or_convener",
    ("lists.deliver", "POST"): "convener",
    ("lists.new_batch", "POST"): "convener",
    ("lists.add_to_batch", "POST"): "convener",
    ("lists.put_to_vote", "POST"): "convener",
    ("lists.decide", "POST"): "convener",
    ("lists.happiness", "GET"): "public",
    ("lists.projects_json", "GET"): "public",
    ("lists.projects_csv", "GET"): "public",
    ("lists.pledges_csv", "GET"): "public",
    # service points: organisers (conveners), volunteers, certified shops' staff
    ("points.organiser", "GET"): "convener",
    ("points.record_service", "POST"): "convener",
    ("points.set_rate", "POST"): "convener",
    ("points.confirm", "POST"): "convener",
    ("points.reverse", "POST"): "convener",
    ("points.certify", "POST"): "convener",
    ("points.mine", "GET"): "signed_in",
    ("points.shop", "GET"): "unit_staff",
    ("points.publish_offer", "POST"): "unit_staff",
    ("points.scan", "GET"): "unit_staff",
    ("points.redeem", "POST"): "unit_staff",
}

#: Routes where a refused person may get 404 instead (the app hides that the object exists).
HIDDEN: set[tuple[str, str]] = set()

#: Routes that point at a meeting and stay reachable while it is a draft (its agenda not yet
#: published), with the reason. Every other such route must hide a draft from all but the body's
#: conveners and administrators (``test_drafts_are_hidden``).
DRAFT_MEETING_REACHABLE = {
    "meetings.checkin": "the room's QR code carries a secret token; it refuses to check in to a "
    "draft and only names the meeting",
    "meetings.checkin_post": "the room's QR code carries a secret token; it refuses to check in "
    "to a draft and only names the meeting",
}

#: The smallest form that gets a request past form validation to the permission check.
MINIMAL_FORMS = {
    "voting.cast": {"choice": "yes", "confirm": "1"},
}

#: POST routes deliberately without CSRF protection, with the reason. None: every state-changing
#: request needs a token (CSRFProtect is on for the whole app).
CSRF_EXEMPT: dict[str, str] = {}
