import { useFetcher } from "@remix-run/react";
import { useEffect, useRef, type ComponentProps } from "react";
import { Input } from "~/components/dsfr/input";

type BirthCommuneInputProps = Omit<ComponentProps<typeof Input>, "list" | "onChange"> & {
  /** The resource route answering `?q=` with `{ communes: [{ code, label }] }`. */
  suggestionsUrl: string;
};

interface Suggestions {
  communes: { code: string; label: string }[];
}

/**
 * A plain text input, resolved by the server on submit (works without JavaScript). With
 * JavaScript, a native <datalist> offers matching communes as the agent types: the browser
 * handles the list's keyboard use and its announcement, and a chosen "Angers (49)" is what the
 * server recognises.
 */
export function BirthCommuneInput({ suggestionsUrl, id, name, ...rest }: BirthCommuneInputProps) {
  const fetcher = useFetcher<Suggestions>();
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const listId = `${id ?? name}-suggestions`;
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  const suggest = (value: string) => {
    if (timer.current) clearTimeout(timer.current);
    if (value.trim().length < 2) return;
    // Waits for a pause in typing: one request per word, not per key.
    timer.current = setTimeout(() => fetcher.load(`${suggestionsUrl}?q=${encodeURIComponent(value.trim())}`), 200);
  };
  return (
    <>
      <Input
        {...rest}
        id={id}
        name={name}
        list={listId}
        autoComplete="off"
        onChange={(event) => suggest(event.currentTarget.value)}
      />
      <datalist id={listId}>
        {(fetcher.data?.communes ?? []).map((commune) => (
          <option key={commune.code} value={commune.label} />
        ))}
      </datalist>
    </>
  );
}
