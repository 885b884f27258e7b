export const ORG_ROLES_KEY = 'hatidata:orgRoles';
export const ORG_ID_PARAM = 'org_id';
