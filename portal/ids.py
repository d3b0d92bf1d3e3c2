"""Component ids of the portal, prefixed by page."""

LOCATION = "portal-location"
CONTENT = "portal-content"

UPLOAD = "upload-files"
UPLOAD_JOB = "upload-job"
UPLOAD_POLL = "upload-poll"
UPLOAD_STATUS = "upload-status"
UPLOAD_CONFIRM = "upload-confirm"
UPLOAD_DISCARD = "upload-discard"

SUBMISSIONS_TABLE = "submissions-table"
SUBMISSIONS_REPORT = "submissions-report"
SUBMISSIONS_OPEN = "submissions-open"  # pattern id type

REVIEW_QUEUE = "review-queue"
REVIEW_DECIDE = "review-decide"  # pattern id type: {"type", "upload", "state"}
REVIEW_MESSAGE = "review-message"
PUBLISH_NOTE = "publish-note"
PUBLISH_BUTTON = "publish-button"
PUBLISH_JOB = "publish-job"
PUBLISH_POLL = "publish-poll"
PUBLISH_STATUS = "publish-status"
LIVE_RELEASE = "live-release"

AUDIT_TABLE = "audit-table"

USERS_TABLE = "users-table"
USERS_NAME = "users-name"
USERS_ROLE = "users-role"
USERS_AGS = "users-ags"
USERS_ADD = "users-add"
USERS_ACTION = "users-action"  # pattern id type: {"type", "user", "action"}
USERS_MESSAGE = "users-message"

SUBAREAS_TABLE = "subareas-table"
SUBAREAS_UPLOAD = "subareas-upload"
SUBAREAS_KEY = "subareas-key"
SUBAREAS_NAME = "subareas-name"
SUBAREAS_LAYER = "subareas-layer"
SUBAREAS_MESSAGE = "subareas-message"
