import type { Problem } from '@anythingiot/accounts';
import type { Role } from '@anythingiot/core';
import { CheckboxGroup, SelectField } from '~/ui/form';
import { ROLE_INFO, roleLabel } from '~/ui/roles';
import type { UsersPageData as Data } from './types';

/** The role picker, with what the chosen role may do as its hint. */
export function RoleSelect({
  roles,
  value,
  onChange,
  problem,
  id,
}: {
  roles: Role[];
  value: Role;
  onChange: (role: Role) => void;
  problem: Problem | null;
  id: string;
}) {
  return (
    <SelectField
      label="Role"
      name="role"
      id={id}
      value={value}
      onChange={(e) => onChange(e.target.value as Role)}
      problem={problem}
      hint={ROLE_INFO[value].about}
      choices={roles.map((r) => ({ value: r, label: roleLabel(r) }))}
    />
  );
}

/** Checkboxes for the facilities an operator or vendor may see; errors for any of them below. */
export function FacilityChoice({
  facilities,
  problem,
  idPrefix,
  selected,
}: {
  facilities: Data['facilities'];
  problem: Problem | null;
  idPrefix: string;
  selected: string[];
}) {
  return (
    <CheckboxGroup
      legend="Facilities"
      name="facilityIds"
      hint="Operators and vendors see only these."
      empty="Your company has no facilities yet; create one first."
      choices={facilities.map((f) => ({ value: f.id, label: f.name }))}
      checked={selected}
      problem={problem}
      idPrefix={idPrefix}
    />
  );
}
