CREATE TABLE posts (
  post_id      integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id      integer     NOT NULL REFERENCES users (id),
  content      text        NOT NULL CHECK (char_length(content) BETWEEN 1 AND 10000),
  created_time timestamptz NOT NULL DEFAULT now()
);
-- GET /posts?user_id=N pages by post_id within one user.
CREATE INDEX posts_user_id_post_id_idx ON posts (user_id, post_id);
