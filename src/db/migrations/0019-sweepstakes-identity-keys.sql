-- SU-12 / RELIABILITY G3: who made an entry, as keys that compare equal for the ways people write
-- one email, phone or Japanese address (width, kana, 〒, 丁目/番地/号, kanji numerals: see
-- src/members/normalise.ts), hashed so the duplicate report groups by them without a second copy
-- of the values. Written with the entry, from the member's email and phone and the address snapshot.
alter table sweepstakes_entries
  add column email_key text,
  add column phone_key text,
  add column address_key text;

-- Entries made before this migration get the closest SQL can do (case and spaces; the phone's
-- digits; the address as stored), so they group with each other as they did before.
update sweepstakes_entries e set
  email_key = case when m.email is null then null else encode(sha256(convert_to(lower(trim(m.email)), 'UTF8')), 'hex') end,
  phone_key = case when m.phone is null then null else encode(sha256(convert_to(regexp_replace(m.phone, '\D', '', 'g'), 'UTF8')), 'hex') end,
  address_key = encode(sha256(convert_to(e.postal_address::text, 'UTF8')), 'hex')
from members m where m.member_id = e.member_id;
