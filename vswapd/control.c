/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "control.h"

#include <fcntl.h>
#include <malloc.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "atomic.h"
#include "log.h"
#include "protocol.h"
#include "util.h"

#define USEC_PER_SEC 1000000ULL
/* A request is one short line: a client that takes longer to send it is dropped. */
#define CONTROL_REQUEST_DEADLINE_US (5 * USEC_PER_SEC)
/* A status of 1500 cgroups is ~600 KB: a client reading slower than that is dropped. */
#define CONTROL_REPLY_DEADLINE_US (10 * USEC_PER_SEC)
/* Connections at once, of which the last CONTROL_ROOT_RESERVED are root's alone. */
#define CONTROL_MAX_CONNECTIONS 64
#define CONTROL_ROOT_RESERVED	16
/* Connections at once of one user other than root. */
#define CONTROL_MAX_PER_UID 8
/* Reply bytes waiting to be read, per user other than root: eight status replies of 2000
 * cgroups each. */
#define CONTROL_MAX_PENDING_PER_UID (8 * 1024 * 1024)
/* After accept() fails for want of fds, listen again this much later: the listening socket
 * stays readable, and retrying at once spins the loop. */
#define CONTROL_ACCEPT_BACKOFF_US (250 * 1000ULL)
/* glibc keeps the heap of a large reply for good: give it back past this size. */
#define REPLY_TRIM_BYTES (64 * 1024)

struct user {
	uid_t uid;
	unsigned connections;
	size_t pending; /* reply bytes not read yet */
};

struct control {
	sd_event *event;
	int fd;
	int dir_fd; /* the socket's directory, for unlinking it beneath the root */
	char name[sizeof(((struct sockaddr_un *)0)->sun_path)];
	sd_event_source *source;
	sd_event_source *backoff; /* accept() paused after EMFILE */
	control_handler_t handler;
	void *userdata;
	unsigned n_connections;
	struct connection *connections; /* freed with the socket */
	size_t n_users;
	struct user *users; /* one per uid with a connection */
};

struct connection {
	struct control *c;
	struct connection *prev, *next;
	int fd;
	uid_t uid;
	sd_event_source *source;
	sd_event_source *deadline;
	/* While writing: the reply, its text (owned by it: no copy of what may be 0.5 MB) and
	 * then a newline; reply_len counts the newline. */
	struct json_object *reply;
	const char *reply_text;
	size_t reply_len, reply_sent;
	size_t len;
	char buf[VSWAP_CONTROL_MAX_REQUEST + 1]; /* one byte more than allowed: too long */
};

const char *control_reply_text(struct json_object *reply)
{
	return json_object_to_json_string_ext(reply, JSON_C_TO_STRING_PLAIN |
							 JSON_C_TO_STRING_NOSLASHESCAPE);
}

static struct user *user_find(struct control *c, uid_t uid)
{
	for (size_t i = 0; i < c->n_users; i++)
		if (c->users[i].uid == uid)
			return &c->users[i];
	return NULL;
}

static struct user *user_get(struct control *c, uid_t uid)
{
	struct user *u = user_find(c, uid);

	if (u)
		return u;
	u = reallocarray(c->users, c->n_users + 1, sizeof(*u));
	if (!u)
		return NULL;
	c->users = u;
	c->users[c->n_users] = (struct user){.uid = uid};
	return &c->users[c->n_users++];
}

static void user_put(struct control *c, uid_t uid, size_t pending)
{
	struct user *u = user_find(c, uid);

	if (!u)
		return;
	u->pending -= pending;
	if (--u->connections == 0)
		*u = c->users[--c->n_users];
}

/* Whether a new connection of uid may be served now. */
static bool admit(struct control *c, uid_t uid)
{
	const struct user *u = user_find(c, uid);

	if (c->n_connections >= CONTROL_MAX_CONNECTIONS)
		return false;
	if (uid == 0)
		return true;
	return c->n_connections < CONTROL_MAX_CONNECTIONS - CONTROL_ROOT_RESERVED &&
	       (!u || u->connections < CONTROL_MAX_PER_UID);
}

static void connection_free(struct connection *conn)
{
	struct control *c = conn->c;
	size_t pending = conn->reply ? conn->reply_len - conn->reply_sent : 0;

	sd_event_source_disable_unref(conn->source);
	sd_event_source_disable_unref(conn->deadline);
	closep(&conn->fd);
	if (conn->prev)
		conn->prev->next = conn->next;
	else
		c->connections = conn->next;
	if (conn->next)
		conn->next->prev = conn->prev;
	user_put(c, conn->uid, pending);
	c->n_connections--;
	bool trim = conn->reply_len > REPLY_TRIM_BYTES;
	json_object_put(conn->reply);
	free(conn);
	if (trim)
		(void)malloc_trim(0);
}

static int on_deadline(sd_event_source *s, uint64_t usec, void *userdata)
{
	connection_free(userdata); /* too slow: the peer sees the socket close */
	return 0;
}

/* Send what the socket takes now. 1 when all is sent, 0 more to come, < 0 peer gone. */
static int flush(struct connection *conn)
{
	struct user *u = user_find(conn->c, conn->uid);

	while (conn->reply_sent < conn->reply_len) {
		size_t text_len = conn->reply_len - 1;
		const char *p =
		    conn->reply_sent < text_len ? conn->reply_text + conn->reply_sent : "\n";
		size_t len = conn->reply_sent < text_len ? text_len - conn->reply_sent : 1;
		ssize_t n = send(conn->fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n <= 0)
			return n < 0 ? negative_errno() : -EPIPE;
		conn->reply_sent += (size_t)n;
		if (u)
			u->pending -= (size_t)n;
	}
	return 1;
}

static void on_writable(struct connection *conn)
{
	if (flush(conn) != 0)
		connection_free(conn);
}

/* The reply to send: the handler's, or a short error when it is out of memory or would
 * take the user past its bound of bytes waiting to be read. */
static int reply_set(struct connection *conn, struct json_object *reply)
{
	struct user *u = conn->uid == 0 ? NULL : user_find(conn->c, conn->uid);
	const char *text = reply ? control_reply_text(reply) : NULL;

	if (text && u && u->pending + strlen(text) + 1 > CONTROL_MAX_PENDING_PER_UID) {
		json_object_put(reply);
		reply = vswap_reply_new_error(
		    VSWAP_ERROR_BUSY, "too many replies waiting to be read: read them first");
		text = reply ? control_reply_text(reply) : NULL;
	}
	if (!text) {
		json_object_put(reply);
		return -ENOMEM;
	}
	conn->reply = reply;
	conn->reply_text = text;
	conn->reply_len = strlen(text) + 1;
	return 0;
}

/* Answer the request in buf: the reply is written from the loop as the peer reads it. */
static int respond(struct connection *conn)
{
	struct control *c = conn->c;
	int r = reply_set(conn, c->handler(conn->buf, conn->len, conn->uid, c->userdata));

	if (r < 0)
		return r;
	struct user *u = user_find(c, conn->uid);
	if (u)
		u->pending += conn->reply_len;
	r = flush(conn);
	if (r != 0)
		return r < 0 ? r : 1;
	r = sd_event_source_set_io_events(conn->source, EPOLLOUT);
	if (r >= 0)
		r = sd_event_source_set_time_relative(conn->deadline, CONTROL_REPLY_DEADLINE_US);
	return r < 0 ? r : 0;
}

static void on_readable(struct connection *conn, int fd)
{
	ssize_t n = read(fd, conn->buf + conn->len, VSWAP_CONTROL_MAX_REQUEST + 1 - conn->len);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0)
		conn->len += (size_t)n;
	/* Answer once the request is complete (a newline, or the peer shut its side) or too
	 * large: the buffer holds one byte more than the limit, to see that. */
	bool complete = conn->len > VSWAP_CONTROL_MAX_REQUEST || n == 0 ||
			(n > 0 && memchr(conn->buf, '\n', conn->len));
	if (n > 0 && !complete)
		return; /* more to come */
	if (n < 0 || respond(conn) != 0)
		connection_free(conn);
}

/* Reading the request until there is a reply, then writing the reply. */
static int on_io(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct connection *conn = userdata;

	if (conn->reply)
		on_writable(conn);
	else
		on_readable(conn, fd);
	return 0;
}

static void refuse(int fd)
{
	static const char busy[] = "{\"ok\":false,\"error\":\"too many connections\","
				   "\"error_code\":\"busy\"}\n";

	(void)send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
	close(fd);
}

static int on_backoff(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct control *c = userdata;

	return sd_event_source_set_enabled(c->source, SD_EVENT_ON);
}

/* Out of fds: stop listening for a while instead of spinning on a readable socket. */
static void accept_backoff(struct control *c, int err)
{
	uint64_t now = 0;

	(void)sd_event_now(c->event, CLOCK_MONOTONIC, &now);
	if (log_ratelimit("control-accept", (double)now / USEC_PER_SEC, 60))
		log_warning_errno(err, "control socket: cannot accept, pausing for %llu ms",
				  CONTROL_ACCEPT_BACKOFF_US / 1000);
	(void)sd_event_source_set_enabled(c->source, SD_EVENT_OFF);
	if (c->backoff)
		(void)sd_event_source_set_time_relative(c->backoff, CONTROL_ACCEPT_BACKOFF_US);
	else
		(void)sd_event_add_time_relative(c->event, &c->backoff, CLOCK_MONOTONIC,
						 CONTROL_ACCEPT_BACKOFF_US, 0, on_backoff, c);
	(void)sd_event_source_set_enabled(c->backoff, SD_EVENT_ONESHOT);
}

static int connection_start(struct control *c, int cfd, uid_t uid)
{
	struct connection *conn = calloc(1, sizeof(*conn));
	struct user *u = conn ? user_get(c, uid) : NULL;

	if (!u) {
		free(conn);
		return -ENOMEM;
	}
	*conn = (struct connection){.c = c, .fd = cfd, .uid = uid, .next = c->connections};
	if (c->connections)
		c->connections->prev = conn;
	c->connections = conn;
	u->connections++;
	c->n_connections++;
	int r = sd_event_add_io(c->event, &conn->source, cfd, EPOLLIN, on_io, conn);
	if (r >= 0)
		r = sd_event_add_time_relative(c->event, &conn->deadline, CLOCK_MONOTONIC,
					       CONTROL_REQUEST_DEADLINE_US, 0, on_deadline, conn);
	if (r < 0) {
		conn->fd = -1; /* the caller closes it */
		connection_free(conn);
	}
	return r;
}

static int on_accept(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct control *c = userdata;
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (cfd < 0) {
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
			accept_backoff(c, negative_errno());
		return 0;
	}
	if (getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
		close(cfd);
		return 0;
	}
	if (!admit(c, cred.uid)) {
		refuse(cfd);
		return 0;
	}
	if (connection_start(c, cfd, cred.uid) < 0)
		close(cfd);
	return 0;
}

/* Bind name in the directory dir_fd (beneath the root), through its /proc/self/fd path. */
static int bind_beneath(struct control *c)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};

	if ((size_t)snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/%s", c->dir_fd,
			     c->name) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	(void)unlinkat(c->dir_fd, c->name, 0);
	if (bind(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return negative_errno();
	/* Anyone may ask; only root may change things (checked per request). */
	if (fchmodat(c->dir_fd, c->name, 0666, 0) < 0)
		return negative_errno();
	return 0;
}

static int open_dir(struct control *c, int root_fd, const char *socket_rel)
{
	_cleanup_free_ char *dir = strdup(socket_rel);
	char *slash = dir ? strrchr(dir, '/') : NULL;
	const char *name = slash ? slash + 1 : socket_rel;

	if (!dir)
		return -ENOMEM;
	if (!*name || strlen(name) >= sizeof(c->name))
		return -EINVAL;
	snprintf(c->name, sizeof(c->name), "%s", name);
	if (slash) {
		*slash = '\0';
		int r = vswap_mkdir_p(root_fd, dir, 0755);
		if (r < 0)
			return r;
	}
	c->dir_fd = vswap_open_beneath(root_fd, slash ? dir : ".", O_PATH | O_DIRECTORY);
	return c->dir_fd < 0 ? c->dir_fd : 0;
}

int control_new(sd_event *event, int root_fd, const char *root, const char *socket_rel,
		control_handler_t handler, void *userdata, struct control **ret)
{
	struct control *c = calloc(1, sizeof(*c));
	int r;

	if (!c)
		return -ENOMEM;
	*c = (struct control){.event = sd_event_ref(event),
			      .fd = -1,
			      .dir_fd = -1,
			      .handler = handler,
			      .userdata = userdata};
	r = open_dir(c, root_fd, socket_rel);
	if (r == 0) {
		c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		r = c->fd < 0 ? negative_errno() : bind_beneath(c);
	}
	if (r == 0 && listen(c->fd, 64) < 0)
		r = negative_errno();
	if (r == 0)
		r = sd_event_add_io(event, &c->source, c->fd, EPOLLIN, on_accept, c);
	if (r < 0) {
		log_error_errno(r, "cannot listen on the control socket %s%s%s",
				streq(root, "/") ? "" : root, "/", socket_rel);
		c->name[0] = '\0'; /* not ours to unlink */
		control_free(c);
		return r;
	}
	*ret = c;
	return 0;
}

struct control *control_free(struct control *c)
{
	if (!c)
		return NULL;
	while (c->connections)
		connection_free(c->connections);
	sd_event_source_disable_unref(c->source);
	sd_event_source_disable_unref(c->backoff);
	closep(&c->fd);
	if (c->dir_fd >= 0 && c->name[0])
		(void)unlinkat(c->dir_fd, c->name, 0);
	closep(&c->dir_fd);
	free(c->users);
	sd_event_unref(c->event);
	free(c);
	return NULL;
}
