/**
 * Git adapters: reading a developer's working copy for {@code seakeeper run} ({@link
 * org.seakeeper.git.LocalRepo}), the local git connection ({@link
 * org.seakeeper.git.LocalGitConnection}), repository access for the scheduler ({@link
 * org.seakeeper.git.JGitRepoAccess}) and the gate's speculative merges ({@link
 * org.seakeeper.git.JGitMerger}: remembered prefixes, a tree-level merge with JGit's {@code
 * ResolveMerger} as the fallback, repositories kept open by {@code OpenRepos}).
 *
 * <h2>The local git connection (docs/contracts.md §4)</h2>
 *
 * <pre>
 *  git push ──▶ receive-pack ──▶ ref transaction ──▶ hooks/reference-transaction (ours)
 *                                                      │ "committed": flock + append
 *                                                      ▼
 *                           &lt;git common dir&gt;/seakeeper/journal
 *                                                      │ inotify (WatchService) or 500 ms poll
 *                                                      ▼
 *   LocalGitConnection ─ ServedRepo.deliver: lines after the cursor ─▶ JournalEvents ─▶ EventSink
 *                                              │ cursor saved after the sink accepted
 *                                              ▼
 *                           &lt;state dir&gt;/&lt;project&gt;/cursor, change-ids
 * </pre>
 *
 * <p><b>Journal.</b> One line per committed ref update: {@code <old-id> <new-id> <ref> <UTC time>}
 * (the time is for people; the reader ignores it). All lines of one transaction are appended in one
 * write under {@code flock}. Deletes are journaled too, and ignored by the reader. The hook refuses
 * an update (in state {@code prepared}) when the journal cannot be written, so a ref never moves
 * unseen; the journal directory is created with the git directory's owner and permissions. The
 * journal is never rotated: the start-up scan reads it whole to number patch sets.
 *
 * <p><b>Hook.</b> Installed (or updated) at every start into the hooks directory git uses ({@code
 * core.hooksPath} honoured). A hook that was already there is moved to {@code
 * reference-transaction.user} and run by ours with the same arguments and input; its exit status
 * counts. The hook stays installed when Seakeeper stops, so updates keep being journaled.
 *
 * <p><b>Cursor.</b> {@code <state dir>/<project>/cursor} holds the byte offset up to which events
 * were accepted, and the journal's inode. On the first start for a repository it is set to the
 * journal's current end before the hook is installed: nothing from before is delivered (there is no
 * journal of it anyway), everything after is. A truncated or replaced journal is read from its
 * start. {@code change-ids} remembers each proposed commit's change, so patch set numbers do not
 * shift when an overwritten patch set's commit is garbage-collected.
 *
 * <p><b>Not seen:</b> ref updates that bypass git's ref transactions (JGit-based servers writing to
 * the repository, editing files under {@code refs/}), and anything with git older than 2.28.
 */
package org.seakeeper.git;
