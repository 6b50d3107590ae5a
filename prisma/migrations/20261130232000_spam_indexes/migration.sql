-- Mail flagged as spam, read on every status call (the panel polls it): the held spam count, which
-- a customer must bring to zero before unblocking a spam block, and the spam accepted in the last
-- hour, which the spam rule and the protection gauge count. Only flagged rows enter these partial
-- indexes (a hosting's normal mail writes neither), and their predicates name `spam`, which the
-- panel's other reads of held mail never mention, so those keep to their own indexes.
CREATE INDEX "Message_held_spam_idx" ON "Message" ("hostingId") WHERE status = 'held' AND spam;

CREATE INDEX "Message_spam_idx" ON "Message" ("hostingId", "acceptedAt" DESC) WHERE spam;
