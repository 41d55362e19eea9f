-- #8: operators find a member by the email or phone a caller gives, written as the caller writes it.
-- The keys are src/members/normalise.ts's, in SQL (src/members/search.test.ts proves the two agree):
-- NFKC (full-width ＴＡＲＯ＠… and ０９０ are the same to the person typing them), then for an email
-- trimmed and lower-cased, for a phone its digits with a Japanese +81 written as the trunk 0.
-- Expression indexes over the profile columns, so nothing has to be written beside a profile and
-- the keys can never disagree with it; erasure (which nulls the columns) takes them with it.
create function member_email_key(email text) returns text
  language sql immutable parallel safe strict
  return lower(btrim(normalize(email, nfkc)));

create function member_phone_key(phone text) returns text
  language sql immutable parallel safe strict
  return case
    when regexp_replace(normalize(phone, nfkc), '[^0-9]', '', 'g') like '81%'
     and length(regexp_replace(normalize(phone, nfkc), '[^0-9]', '', 'g')) >= 11
    then '0' || substr(regexp_replace(normalize(phone, nfkc), '[^0-9]', '', 'g'), 3)
    else regexp_replace(normalize(phone, nfkc), '[^0-9]', '', 'g')
  end;

create index members_email_key on members (program_key, member_email_key(email)) where email is not null;
create index members_phone_key on members (program_key, member_phone_key(phone)) where phone is not null;
